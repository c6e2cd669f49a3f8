package io.nftlb.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What a finished (or timed-out) command printed and how it ended.
 *
 * @param command the command line as run
 * @param exitCode the exit status, or -1 if the command timed out
 * @param stdout everything it wrote to standard output
 * @param stderr everything it wrote to standard error
 * @param timedOut whether it was killed because it ran past its timeout
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    /** Copies the command line so the result cannot change afterwards. */
    public CommandResult {
        command = List.copyOf(command);
        Objects.requireNonNull(stdout, "stdout == null");
        Objects.requireNonNull(stderr, "stderr == null");
    }

    /** Whether the command finished in time with exit status 0. */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /**
     * Returns this result if the command succeeded.
     *
     * @throws CommandFailedException naming the command and its standard error otherwise
     */
    public CommandResult orThrow() {
        if (!succeeded()) {
            throw new CommandFailedException(this);
        }
        return this;
    }

    /**
     * One line for messages: the command, how it ended, and what it said (standard error,
     * or standard output if that is empty).
     */
    public String summary() {
        String how = timedOut ? "timed out" : "exited with " + exitCode;
        String said = !stderr.isBlank() ? stderr.strip() : stdout.isBlank() ? "(no output)" : stdout.strip();
        return "`" + commandLine() + "` " + how + ": " + said;
    }

    /** The command line joined with spaces, for messages. */
    public String commandLine() {
        return String.join(" ", command);
    }
}
