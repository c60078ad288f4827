import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserClient } from '../../preload/browser-client';
import { connectHostEvents } from './store/hostEvents';
import { App } from './App';
import './styles.css';

// Electron's preload sets window.convscope; the browser host serves the page without it.
window.convscope ??= createBrowserClient();
connectHostEvents();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
