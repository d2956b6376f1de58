// Runs globMatch(pattern, str, nocase) off the test thread, so a pattern that takes
// exponential time can be stopped with worker.terminate(). Posts { result, ms }.
import { workerData, parentPort } from 'node:worker_threads';
import { globMatch } from '../../../dist/server/glob.js';

const { pattern, str, nocase } = workerData;
const t0 = performance.now();
const result = globMatch(pattern, str, nocase);
parentPort.postMessage({ result, ms: performance.now() - t0 });
