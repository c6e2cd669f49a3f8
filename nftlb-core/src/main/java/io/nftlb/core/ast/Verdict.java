package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** What happens to a packet next: accept, drop, continue, return, or jump/goto a chain. */
public record Verdict(Kind kind, Optional<String> chain) {

    /** The verdict codes (NF_ACCEPT, NF_DROP, NFT_CONTINUE, NFT_RETURN, NFT_JUMP, NFT_GOTO). */
    public enum Kind {
        ACCEPT("accept"), DROP("drop"), CONTINUE("continue"), RETURN("return"), JUMP("jump"), GOTO("goto");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }

        /** Whether this verdict names a target chain. */
        public boolean hasChain() {
            return this == JUMP || this == GOTO;
        }
    }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, Optional.empty());
    public static final Verdict DROP = new Verdict(Kind.DROP, Optional.empty());
    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, Optional.empty());
    public static final Verdict RETURN = new Verdict(Kind.RETURN, Optional.empty());

    public Verdict {
        requireNonNull(kind, "kind");
        requireNonNull(chain, "chain");
        if (kind.hasChain() != chain.isPresent()) {
            throw new IllegalArgumentException(kind.keyword() + (kind.hasChain()
                    ? " needs a chain" : " takes no chain"));
        }
    }

    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, Optional.of(chain));
    }

    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, Optional.of(chain));
    }
}
