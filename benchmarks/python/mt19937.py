"""std::mt19937_64, the C++ standard library's 64-bit Mersenne Twister, in pure Python: the
engine's random streams (LIME perturbations, PPO minibatch order) reproduced for the agreement
checks of benchmarks/compare."""

MASK64 = (1 << 64) - 1


class Mt19937_64:
    """std::mt19937_64 seeded with one 64-bit value; next() (or calling it) gives the next output."""

    def __init__(self, seed):
        self.state = [seed & MASK64]
        for i in range(1, 312):
            prev = self.state[-1]
            self.state.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK64)
        self.index = 312

    def _twist(self):
        s = self.state
        for i in range(312):
            x = (s[i] & 0xFFFFFFFF80000000) | (s[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            s[i] = s[(i + 156) % 312] ^ xa
        self.index = 0

    def next(self):
        if self.index >= 312:
            self._twist()
        x = self.state[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & MASK64

    __call__ = next
