// A child of two-cores.ts: times one round of tfjs-wasm matrix products (the trainings' kind of work)
// each time its parent asks, and exits when told.
import { initTf, tf } from '@pim/runtime/train';

await initTf('wasm');
const a = tf.randomNormal([256, 784]);
const w = tf.randomNormal([784, 512]);
const round = () => {
  for (let i = 0; i < 150; i++) tf.tidy(() => tf.relu(tf.matMul(a, w)).sum().dataSync());
};
round(); // compile and warm before the first timed round
process.on('message', (m) => {
  if (m === 'exit') process.exit(0);
  const t0 = performance.now();
  round();
  process.send?.((performance.now() - t0) / 1000);
});
process.send?.('ready');
