// Defaults the IR's readers share with its writer.

/**
 * Static (leakage) power of a component that states none, as a fraction of its own power: ISAAC's
 * component table gives no leakage, so this is an assumption (the simulator's idle power), used by the
 * compiler for `static_power_w` and by readers of IR that lacks the field.
 */
export const DEFAULT_LEAKAGE_FRACTION = 0.1;
