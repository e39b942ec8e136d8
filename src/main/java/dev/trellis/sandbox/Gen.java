package dev.trellis.sandbox;

/** A tiny deterministic random stream (SplitMix64) seeded from seed + resource + record index. */
final class Gen {
    private long state;

    Gen(long seed, long salt, long index) {
        state = mix(seed ^ mix(salt * 0x9E3779B97F4A7C15L + index));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One hash value without building a stream, for cheap derived fields. */
    static long hash(long seed, long salt, long index) {
        return mix(seed ^ mix(salt * 0x9E3779B97F4A7C15L + index) + 0x9E3779B97F4A7C15L);
    }

    long next() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    int nextInt(int bound) {
        return (int) Math.floorMod(next(), (long) bound);
    }

    long nextLong(long bound) {
        return Math.floorMod(next(), bound);
    }

    boolean chance(double p) {
        return (next() >>> 11) * 0x1.0p-53 < p;
    }

    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }
}
