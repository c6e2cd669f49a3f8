/** The compiler's internals, not exported: the names of the shared table's chains and maps. */
package io.nftlb.core.internal.compile;
