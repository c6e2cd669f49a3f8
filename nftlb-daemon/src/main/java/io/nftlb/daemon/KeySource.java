package io.nftlb.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where the API key comes from: {@code -k}, else {@code --key-file}, else
 * {@code $NFTLB_SERVER_KEY}, else a generated one, which is printed (the operator has no other
 * way to learn it). An empty variable counts as unset.
 *
 * @param key the key
 * @param generated whether it was generated (and so must be printed)
 */
record KeySource(String key, boolean generated) {

    static KeySource choose(Optional<String> option, Optional<Path> file, Optional<String> environment) {
        if (option.isPresent()) {
            return new KeySource(option.get(), false);
        }
        if (file.isPresent()) {
            return new KeySource(read(file.get()), false);
        }
        return environment.filter(k -> !k.isEmpty()).map(k -> new KeySource(k, false))
                .orElseGet(() -> new KeySource(randomKey(), true));
    }

    /**
     * The file's first line, without its line end.
     *
     * @throws IllegalArgumentException if the file is empty or not UTF-8
     * @throws UncheckedIOException if it cannot be read
     */
    private static String read(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("key file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String line = text.lines().findFirst().orElse("");
        if (line.isEmpty()) {
            throw new IllegalArgumentException("key file " + file + ": its first line, the key, is empty");
        }
        return line;
    }

    private static String randomKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
