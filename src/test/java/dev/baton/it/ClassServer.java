package dev.baton.it;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server for the whole test class, on a static field (see {@link BatonServerExtension}):
 *
 * <pre>{@code
 * class SomeIT {
 *   @ClassServer static TestServer server;   // started before the class's @BeforeAll methods
 *   @ClassServer static ApiClient api;       // server.api()
 * }}</pre>
 *
 * <p>Each {@code TestServer} field gets its own server, in the order the fields are declared;
 * an {@code ApiClient} field gets the API of the class's one {@code TestServer} field, or of a
 * server started for it when the class has none. The servers are closed after the class's
 * {@code @AfterAll} methods, and a server whose event loop was blocked fails the class then.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(BatonServerExtension.class)
public @interface ClassServer {
  /**
   * Extra settings of this server, each {@code "BATON_NAME=value"}, as {@link TestServer#start(java.util.Map)}
   * takes them; none by default (TestServer's own defaults).
   */
  String[] env() default {};

  /** Empties every table ({@link dev.baton.testsupport.TestDatabase#truncateAll()}) before the server starts. */
  boolean emptyDatabase() default false;
}
