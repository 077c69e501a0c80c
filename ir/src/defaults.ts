// Defaults the IR's readers share with its writer.

/**
 * Static (leakage) power of a component that states none, as a fraction of its own power: ISAAC's
 * component table gives no leakage, so this is an assumption (the simulator's idle power), used by the
 * compiler for `static_power_w` and by readers of IR that lacks the field.
 */
export const DEFAULT_LEAKAGE_FRACTION = 0.1;

/**
 * Weight precisions the trainer's crossbar numerics (runtime/src/numerics/crossbar.ts) support: a signed
 * weight of b bits has 2^(b−1) − 1 positive levels, none at 1 bit; above 24 bits the integer weights are
 * no longer exact in the float32 tensors it computes in. The compiler refuses a `train` or `run` outside.
 */
export const TRAINABLE_WEIGHT_BITS = { min: 2, max: 24 } as const;
