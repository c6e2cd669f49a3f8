package io.nftlb.core.runtime;

import io.nftlb.core.Network;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * One caller's request about the netdev table: a policy or path edit. The edit is kept, not
 * only its result, so that it can be applied again on top of what the kernel really has when
 * an earlier commit fails (as {@link Change} is for farms).
 *
 * @param edit the edit of the policies and paths (throws if invalid)
 * @param members when the change only adds or removes networks of a policy: which, so that a
 *     batch of such changes alone is committed as element operations without compiling anything
 * @param pathOf the farm whose path the change sets, if it sets one (its farm is checked again)
 * @param done completes when the transaction that carries the change is committed
 */
record IngressChange(UnaryOperator<IngressWanted> edit, Optional<Members> members, Optional<String> pathOf,
                     CompletableFuture<Void> done) {

    /** Networks added to ({@code add}) or removed from a policy. */
    record Members(String policy, List<Network> networks, boolean add) {}
}
