// Preloaded (`node -r`) into each pimc run of the hostile corpus: at exit, writes the process's CPU
// time and peak memory to the file named by PIM_MEASURE_OUT (test/compiler/hostile.test.ts reads it).
const fs = require('node:fs');
process.on('exit', () => {
  const r = process.resourceUsage();
  fs.writeFileSync(
    process.env.PIM_MEASURE_OUT,
    JSON.stringify({ cpuMs: (r.userCPUTime + r.systemCPUTime) / 1000, maxRssMb: r.maxRSS / 1024 }),
  );
});
