package io.nftlb.netlink.internal.codec;

/** Malformed or unexpected netlink data: the only exception a decoder throws. */
public final class CodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
