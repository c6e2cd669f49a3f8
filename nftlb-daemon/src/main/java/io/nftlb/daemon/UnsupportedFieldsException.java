package io.nftlb.daemon;

import java.util.List;

/**
 * An nftlb configuration uses fields this version does not support. Lists every one of them,
 * each with its farm, its value and why, so an operator sees them all at once; nothing of the
 * configuration is applied.
 */
public final class UnsupportedFieldsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public UnsupportedFieldsException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per unsupported field, e.g. {@code farm "lb01": field "helper" = "ftp" is not supported}. */
    public List<String> problems() {
        return problems;
    }
}
