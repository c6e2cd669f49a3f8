/** Implementation shared by nftlb's modules: not API, may change at any time. */
package io.nftlb.netns.internal;
