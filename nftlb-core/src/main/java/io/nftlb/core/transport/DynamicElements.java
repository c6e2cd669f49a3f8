package io.nftlb.core.transport;

import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.TableRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The elements the data path itself adds to sets (a rule's {@code update @map { key : value }},
 * e.g. persistence), read and deleted as they are now. They are not part of a desired ruleset:
 * the kernel adds them as packets pass and removes them when their timeout expires, so this is
 * a view of the kernel's state rather than of a committed table. Implementations are safe to
 * call from any thread (the netlink transport's has its own socket).
 */
public interface DynamicElements {

    /**
     * The elements of {@code set} now, each with the time left before the kernel removes it.
     *
     * @return empty if the table or the set does not exist
     */
    List<TimedElement> read(TableRef table, String set);

    /**
     * Deletes the elements of these keys from {@code set}, in one transaction. A key the kernel
     * no longer has (its timeout expired meanwhile) is skipped, not an error.
     *
     * @return how many of the keys were deleted
     */
    int delete(TableRef table, String set, List<Element> elements);

    /**
     * An element and the time the kernel keeps it before it expires.
     *
     * @param element the key, the data (for maps) and the element's timeout
     * @param expiresIn the time left; empty if the element never expires
     */
    record TimedElement(Element element, Optional<Duration> expiresIn) {
        public TimedElement {
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }
}
