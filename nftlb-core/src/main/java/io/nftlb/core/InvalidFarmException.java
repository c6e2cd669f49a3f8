package io.nftlb.core;

/**
 * A farm or backend description is invalid. The message names the farm, the field and the
 * offending value, e.g. {@code farm "web": backend "b2": weight -1 must be >= 0}. Thrown by the
 * DSL before anything reaches the compiler or the kernel.
 */
public class InvalidFarmException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidFarmException(String message) {
        super(message);
    }
}
