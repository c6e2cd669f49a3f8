package io.nftlb.testkit;

/**
 * A command run by the test kit (for example {@code nft -f -} inside a namespace) failed or
 * timed out. The message carries the command's standard error, so an assertion failure
 * shows the kernel's or tool's own words.
 */
public final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    /** Describes a failed command from its result. */
    public CommandFailedException(CommandResult result) {
        this(result.summary(), result);
    }

    /** A failed command, with a message that says what it was for. */
    public CommandFailedException(String message, CommandResult result) {
        super(message);
        this.result = result;
    }

    /** The failed command's exit status and output. */
    public CommandResult result() {
        return result;
    }
}
