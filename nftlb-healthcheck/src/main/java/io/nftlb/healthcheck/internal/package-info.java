/** Implementation of nftlb-healthcheck: not API, may change at any time. */
package io.nftlb.healthcheck.internal;
