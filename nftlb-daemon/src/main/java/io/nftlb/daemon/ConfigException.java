package io.nftlb.daemon;

/** An nftlb configuration is malformed: names the field and the value. Nothing of it is applied. */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    static ConfigException field(String where, String field, String value, String why) {
        return new ConfigException(where + ": field \"" + field + "\" = \"" + value + "\" " + why);
    }
}
