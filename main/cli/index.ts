// `convscope`: argument parsing only; every command calls the same services as the studio.
import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../app-version';
import { COLORMAPS, DEFAULT_MODEL, DREAM_DEFAULTS, DREAM_OBJECTIVES, dreamSpec, EXPLAIN_DEFAULTS, explainSpec, METHODS, numberRange, requestDefaults, requests } from '../../preload/contract';
import { EXIT_BAD_INPUT, reportAndExit } from './errors';
import { parseChannel, parseLayers, parseNumber, parseRange } from './parse';

const explainField = explainSpec.shape;
const dreamField = dreamSpec.shape;
const CLASSIFY_DEFAULTS = requestDefaults('explain:classify');

/** Commands load on use: `convscope scan` never pays for the tensor runtime or the server. */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return async (...args: unknown[]): Promise<void> => {
    const command = (await load())[name] as unknown as (...values: unknown[]) => Promise<void>;
    await command(...args);
  };
}

const program = new Command('convscope')
  .description('See inside convolutional neural networks: Grad-CAM, feature maps and Deep Dream on your photos.')
  .version(APP_VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text.replace(/^error: /, 'convscope: ')) });

program
  .command('info')
  .description('show the tensor backend in use and why faster ones were not used')
  .option('--json', 'one JSON object')
  .action(lazy(() => import('./commands/info'), 'infoCommand'));

program
  .command('classify <image>')
  .description('top classes of a photo')
  .option('--model <name|dir>', 'inception_v3, mobilenet_v2 or a folder with model.json', DEFAULT_MODEL)
  .option('--top <n>', 'how many classes', parseNumber('--top', numberRange(requests['explain:classify'].shape.top)), CLASSIFY_DEFAULTS.top)
  .option('--json', 'one JSON object')
  .action(lazy(() => import('./commands/classify'), 'classifyCommand'));

program
  .command('gradcam <image|folder>')
  .description('heatmap overlay at full resolution + JSON sidecar (a folder: one per photo and a summary)')
  .requiredOption('--out <file|dir>', 'overlay PNG (a folder for folder input)')
  .option('--model <name|dir>', 'inception_v3, mobilenet_v2 or a folder with model.json', DEFAULT_MODEL)
  .option('--input-range <min,max>', 'map pixel values 0..255 linearly to [min,max] (custom models)', parseRange)
  .option('--layer <name>', 'target layer (default: the last spatial layer)')
  .option('--class <index|label>', 'class to explain (default: the top class)')
  .addOption(new Option('--method <name>', 'attribution method').choices(METHODS).default(EXPLAIN_DEFAULTS.method))
  .addOption(new Option('--colormap <name>', 'colormap').choices(COLORMAPS).default(EXPLAIN_DEFAULTS.colormap))
  .option('--alpha <0..1>', 'weight of the photo in the overlay', parseNumber('--alpha', numberRange(explainField.alpha)), EXPLAIN_DEFAULTS.alpha)
  .option('--threshold <0..1>', 'leave map values below this uncoloured', parseNumber('--threshold', numberRange(explainField.threshold)), EXPLAIN_DEFAULTS.threshold)
  .option('--scorecam-channels <n>', 'Score-CAM: channels scored (highest mean activation first)', parseNumber('--scorecam-channels', numberRange(explainField.scorecamChannels)), EXPLAIN_DEFAULTS.scorecamChannels)
  .option('--samples <n>', 'SmoothGrad: noisy samples', parseNumber('--samples', numberRange(explainField.samples)), EXPLAIN_DEFAULTS.samples)
  .option('--ig-steps <n>', 'Integrated Gradients: path steps', parseNumber('--ig-steps', numberRange(explainField.steps)), EXPLAIN_DEFAULTS.steps)
  .option('--raw <file.npy|dir>', 'also write the raw map as float32 .npy (a folder for folder input)')
  .option('--overwrite', 'replace existing output files')
  .action(lazy(() => import('./commands/gradcam'), 'gradcamCommand'));

program
  .command('dream <image>')
  .description('Deep Dream: one PNG per iteration plus the final image')
  .requiredOption('--out <dir>', 'output folder')
  .option('--model <name|dir>', 'model', DREAM_DEFAULTS.model)
  .option('--layers <list>', 'layers with weights, e.g. mixed3:1,mixed5:2 (default: the model\'s, mixed3:1,mixed5:1 on InceptionV3)', parseLayers)
  .option('--channel <layer:n>', 'maximise one channel instead', parseChannel)
  .addOption(new Option('--objective <kind>', 'mean or mean-square of the activations').choices(DREAM_OBJECTIVES).default(DREAM_DEFAULTS.objective))
  .option('--octaves <n>', 'octave count', parseNumber('--octaves', numberRange(dreamField.octaves)), DREAM_DEFAULTS.octaves)
  .option('--octave-scale <x>', 'size ratio between octaves', parseNumber('--octave-scale', numberRange(dreamField.octaveScale)), DREAM_DEFAULTS.octaveScale)
  .option('--steps <n>', 'gradient steps per octave', parseNumber('--steps', numberRange(dreamField.steps)), DREAM_DEFAULTS.steps)
  .option('--step-size <x>', 'step size', parseNumber('--step-size', numberRange(dreamField.stepSize)), DREAM_DEFAULTS.stepSize)
  .option('--tile <px>', 'gradient tile size', parseNumber('--tile', numberRange(dreamField.tile)), DREAM_DEFAULTS.tile)
  // The CLI dreams at the photo's full size unless told otherwise (the studio's default is smaller).
  .option('--max-size <px>', 'longest side of the dream (0 = full resolution)', parseNumber('--max-size', numberRange(dreamField.maxSize)), 0)
  .option('--seed <n>', 'random seed', parseNumber('--seed', numberRange(dreamField.seed)), DREAM_DEFAULTS.seed)
  .option('--guide <image>', 'guide image (guided dream)')
  .addOption(new Option('--animate <format>', 'also write an animation').choices(['webp', 'gif']))
  .option('--params <parameters.json>', 'dream again like an earlier dream (its parameters.json); flags given here win')
  .option('--json', 'one JSON line per step on stdout')
  .option('--overwrite', 'replace existing frames')
  .action(lazy(() => import('./commands/dream'), 'dreamCommand'));

program
  .command('scan <folder>')
  .description('every file with its upright size, format and status')
  .option('--json', 'JSON array')
  .action(lazy(() => import('./commands/scan'), 'scanCommand'));

program
  .command('serve')
  .description('the studio in your browser (prints its URL on the first line)')
  .option('--port <n>', 'port (0 = any free port)', parseNumber('--port', { min: 0, max: 65535, integer: true }), 0)
  .addOption(new Option('--host <address>', 'loopback address to listen on (the studio is never served to the network)').choices(['127.0.0.1', '::1']).default('127.0.0.1'))
  .action(lazy(() => import('./commands/serve'), 'serveCommand'));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exit(0);
    process.exit(EXIT_BAD_INPUT);
  }
  reportAndExit(error);
}
