package io.nftlb.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class GreetingTest {

    @Test
    void aGreetingNamesTheBackendAndThePeerItSaw() throws Exception {
        Greeting greeting = Greeting.to("b1", InetAddress.getByName("fd00:0:0:0:0:0:0:2"), 40000);

        assertEquals("b1 fd00::2 40000\n", greeting.line());
        assertEquals(greeting, Greeting.parse(greeting.line()));
    }

    @Test
    void otherLinesAreNotGreetings() {
        assertThrows(IllegalArgumentException.class, () -> Greeting.parse("b1 hello"));
        assertThrows(IllegalArgumentException.class, () -> Greeting.parse("b1 10.0.0.2 port"));
    }
}
