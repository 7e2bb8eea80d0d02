/**
 * `npm run bench`: every benchmark in turn, printing figures. Nothing is asserted; compare runs by eye or in CI logs.
 */
import { formatPipelineBench, runPipelineBench } from './pipeline.js';
import { formatSoarBench, runSoarForwardBench } from './soar-forward.js';
import { runStorm } from './storm.js';

console.log(formatPipelineBench(await runPipelineBench(5000)));
console.log(formatSoarBench(await runSoarForwardBench(500, 20)));
const storm = await runStorm(300);
console.log(`storm: ${storm.incidents} incidents named in one group in ${storm.seconds.toFixed(1)} s under real Telegram limits`);
console.log(`storm: ${storm.groupMessages} group messages (cards and digests), ${storm.tooManyRequests} responses 429`);
