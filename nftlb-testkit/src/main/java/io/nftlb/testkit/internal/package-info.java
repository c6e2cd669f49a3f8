/**
 * Implementation of the test kit; not an API, and may change without notice.
 */
package io.nftlb.testkit.internal;
