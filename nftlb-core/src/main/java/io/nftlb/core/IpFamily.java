package io.nftlb.core;

/** The IP version(s) a farm serves: decided by its virtual addresses. */
public enum IpFamily { IPV4, IPV6, DUAL }
