package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import io.nftlb.core.Network;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An edit of what the load balancer serves: of one farm, or of the policies and paths. Edits
 * are kept, not only their results, so that they can be applied again on top of what the
 * kernel really has when an earlier commit they were built on fails.
 */
sealed interface Edit {

    /**
     * An edit of one farm.
     *
     * @param edit given the farm (empty: no such farm), returns its next version (empty: remove it)
     */
    record OfFarm(String farm, UnaryOperator<Optional<Farm>> edit) implements Edit {}

    /**
     * An edit of the policies and the paths of DSR and stateless dNAT farms.
     *
     * @param edit the edit (throws if invalid)
     * @param members when the edit only adds or removes networks of a policy: which, so that a
     *     batch of such edits alone is committed as element operations without compiling anything
     * @param pathOf the farm whose path the edit sets, if it sets one (its farm is checked again)
     */
    record OfIngress(UnaryOperator<IngressWanted> edit, Optional<Members> members, Optional<String> pathOf)
            implements Edit {

        /** An edit of the policies alone. */
        static OfIngress policies(UnaryOperator<IngressWanted> edit) {
            return new OfIngress(edit, Optional.empty(), Optional.empty());
        }
    }

    /** Networks added to ({@code add}) or removed from a policy. */
    record Members(String policy, List<Network> networks, boolean add) {}
}
