package io.nftlb.netlink.internal.lin;

/**
 * nft's register allocation, in 32-bit slots from NFT_REG_1: each value takes whole 16-byte
 * registers; a slot is named NFT_REG_n when it starts a 16-byte register, NFT_REG32_xx otherwise.
 */
final class Registers {
    static final int VERDICT = 0;
    private int low;

    void reset() {
        low = 0;
    }

    /** Allocates room for {@code len} bytes; returns the first slot. */
    int alloc(int len) {
        int slot = low;
        low += Math.max(4, ((len + 15) / 16) * 4);
        if (low > 16) {
            throw new IllegalArgumentException("rule needs more than 64 bytes of registers");
        }
        return slot;
    }

    int mark() {
        return low;
    }

    void release(int mark) {
        low = mark;
    }

    /** The kernel register number of a 32-bit slot. */
    static int reg(int slot) {
        return slot % 4 == 0 ? 1 + slot / 4 : 8 + slot;
    }

    /** The 32-bit slot of a kernel register number. */
    static int slot(int reg) {
        return reg >= 8 ? reg - 8 : (reg - 1) * 4;
    }
}
