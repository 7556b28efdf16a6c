package dev.baton.service.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataCipherTest {
  @Test
  void roundTripsAndHidesTheData() throws Exception {
    DataCipher.Key k = DataCipher.Key.generate();
    DataCipher c = new DataCipher(k, List.of(k));
    ObjectNode data = (ObjectNode) new ObjectMapper().readTree("{\"value\":\"sk-1234567890\",\"n\":{\"x\":[1,2.5]}}");
    ObjectNode env = c.encrypt(data);
    assertFalse(env.toString().contains("sk-1234567890"));
    assertEquals(k.id(), env.get("kid").asText());
    assertNotEquals(env, c.encrypt(data), "a fresh IV each time");
    assertEquals(data, c.decrypt(env));
  }

  @Test
  void anotherKeyOrATamperedTextIsRefused() {
    DataCipher.Key a = DataCipher.Key.generate();
    DataCipher.Key b = DataCipher.Key.generate();
    ObjectNode env = new DataCipher(a, List.of(a)).encrypt(new ObjectMapper().createObjectNode().put("v", "s"));
    assertThrows(DataCipher.UndecryptableException.class, () -> new DataCipher(b, List.of(b)).decrypt(env));
    // an earlier key still known decrypts what was written under it
    assertEquals("s", new DataCipher(b, List.of(b, a)).decrypt(env).get("v").asText());
    String ct = env.get("ct").asText();
    ObjectNode tampered = env.deepCopy().put("ct", ct.substring(0, ct.length() - 4) + (ct.endsWith("AAAA") ? "BBBB" : "AAAA"));
    assertThrows(DataCipher.UndecryptableException.class, () -> new DataCipher(a, List.of(a)).decrypt(tampered));
  }

  @Test
  void keysAreBase64Of32Bytes() {
    DataCipher.Key k = DataCipher.Key.generate();
    assertEquals(k.id(), DataCipher.Key.decode(k.encoded()).id());
    assertThrows(IllegalArgumentException.class, () -> DataCipher.Key.decode("c2hvcnQ="));
  }
}
