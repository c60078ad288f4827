// One subscription to the host's event stream, routed into the store outside React.
import type { HostEvent } from '../../../preload/contract';
import { api } from '../lib/api';
import { useStudio } from './index';

export function connectHostEvents(): () => void {
  return api().onEvent((event: HostEvent) => {
    const state = useStudio.getState();
    switch (event.type) {
      case 'progress':
        state.updateJob(event);
        break;
      case 'dream-frame':
        state.acceptFrame(event);
        break;
      case 'runtime':
        useStudio.setState({ runtime: event.runtime });
        break;
      case 'dream-kept':
      case 'dream-released':
        state.computeDreamHeld(event);
        break;
      case 'compute-restarted':
        state.forgetComputeDreams();
        // The reason says it all ("the compute engine stopped (killed by SIGKILL) and was restarted").
        state.setBanner(`${event.reason.charAt(0).toUpperCase()}${event.reason.slice(1)}. Running jobs were lost; start them again. Your folders and settings are as they were.`);
        break;
      case 'folder-changed':
        // An opened root changed on disk: list it again. Any other root is a request to open it
        // (Electron's File ▸ Open Folder… menu sends one).
        void state.openFolder(event.root, { keepSelection: true });
        break;
    }
  });
}
