// How an exploration shows each objective: the unit its charts and messages use and the factor from SI.
export const OBJECTIVE_SCALE: Record<string, [string, number]> = {
  area: ['mm²', 1e6],
  power: ['W', 1],
  energy: ['µJ', 1e6],
  latency: ['µs', 1e6],
  throughput: ['inferences/s', 1],
  edp: ['µJ·µs', 1e12],
  peak_temperature: ['K', 1],
  accuracy: ['%', 100],
};
