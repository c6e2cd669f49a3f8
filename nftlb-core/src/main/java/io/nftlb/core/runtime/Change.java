package io.nftlb.core.runtime;

import io.nftlb.core.Farm;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * One caller's request: an edit of one farm (absent: no such farm; returning empty: remove it),
 * and the future that tells the caller how the commit that carries it went. The edit is kept,
 * not only its result, so that it can be applied again on top of what the kernel really has
 * when an earlier commit it was built on fails. The changes of one group
 * ({@link LoadBalancer#update}) share their future: that is how they stay together, applied
 * again or dropped as one.
 */
record Change(String farm, UnaryOperator<Optional<Farm>> edit, CompletableFuture<Void> done) {}
