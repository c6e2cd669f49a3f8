package io.nftlb.core.transport;

import io.nftlb.core.ast.Op;
import java.util.Optional;

/**
 * The kernel (or nft) rejected a transaction. Nothing of it was applied. Carries the error
 * number by name, and the operation it was about when that is known.
 */
public class TransportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String errno;
    private final transient Optional<Op> operation;

    public TransportException(String message, String errno, Optional<Op> operation, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.operation = operation;
    }

    public TransportException(String message, String errno, Optional<Op> operation) {
        this(message, errno, operation, null);
    }

    /** The error's symbolic name, e.g. {@code ENOENT}; {@code "UNKNOWN"} when there is none. */
    public String errno() {
        return errno;
    }

    /** The operation the kernel complained about, when the error names one. */
    public Optional<Op> operation() {
        return operation;
    }
}
