package io.nftlb.core.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * One edit a caller asked for, and the future that tells the caller how the commit that
 * carries it went. The changes of one group ({@link LoadBalancer#update}, or one single call)
 * share their future: that is how they stay together, applied again or dropped as one.
 */
record Change(Edit edit, CompletableFuture<Void> done) {}
