/** Fakes for testing code that uses the health monitor: a clock and a scheduler you drive by hand. */
package io.nftlb.healthcheck.testing;
