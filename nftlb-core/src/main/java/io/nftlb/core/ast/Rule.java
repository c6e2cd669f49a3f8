package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A rule: statements evaluated left to right, and an optional comment. */
public record Rule(List<Stmt> statements, Optional<String> comment) {

    public Rule {
        statements = List.copyOf(statements);
        requireNonNull(comment, "comment");
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a rule needs at least one statement");
        }
    }

    public static Rule of(Stmt... statements) {
        return new Rule(List.of(statements), Optional.empty());
    }

    /** This rule with a comment (stored by the kernel in the rule's user data). */
    public Rule withComment(String text) {
        return new Rule(statements, Optional.of(text));
    }
}
