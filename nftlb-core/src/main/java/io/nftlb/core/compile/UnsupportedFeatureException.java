package io.nftlb.core.compile;

/** A farm asks for something this version of the compiler (or this kernel) cannot do; names what. */
public class UnsupportedFeatureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnsupportedFeatureException(String message) {
        super(message);
    }
}
