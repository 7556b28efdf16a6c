package dev.baton.it;

import dev.baton.testsupport.TestDatabase;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the {@link TestServer}s a test class declares with {@link ClassServer} once per class,
 * before its {@code @BeforeAll} methods run, fills the annotated static fields, and closes the
 * servers after its {@code @AfterAll} methods (all of them, the first failure thrown). Registered
 * by the annotation itself: a class needs nothing else.
 */
public final class BatonServerExtension implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BatonServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Class<?> testClass = context.getRequiredTestClass();
    List<Field> servers = new ArrayList<>();
    List<Field> apis = new ArrayList<>();
    for (Field f : annotatedFields(testClass)) {
      if (!Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
        throw misuse(f, "must be static and not final: there is one server per class");
      }
      if (f.getType() == TestServer.class) {
        servers.add(f);
      } else if (f.getType() == ApiClient.class) {
        apis.add(f);
      } else {
        throw misuse(f, "must be a TestServer or an ApiClient");
      }
    }
    if (servers.isEmpty() && apis.size() > 1) {
      throw misuse(apis.get(1), "is a second ApiClient of a class without a @ClassServer TestServer field");
    }
    if (!servers.isEmpty() && !apis.isEmpty()) {
      if (servers.size() > 1) {
        throw misuse(apis.get(0), "is ambiguous: the class has several @ClassServer TestServer fields");
      }
      for (Field a : apis) {
        ClassServer c = a.getAnnotation(ClassServer.class);
        if (c.env().length > 0 || c.emptyDatabase()) {
          throw misuse(a, "takes the server of " + servers.get(0).getName() + ": configure that field instead");
        }
      }
    }
    // one server per TestServer field; in a class without any, one for its ApiClient field
    List<Field> owners = servers.isEmpty() ? apis : servers;
    List<TestServer> started = new ArrayList<>();
    context.getStore(NAMESPACE).put(testClass, started); // closed by afterAll, also when a start fails
    for (Field f : owners) {
      ClassServer c = f.getAnnotation(ClassServer.class);
      if (c.emptyDatabase()) {
        TestDatabase.truncateAll();
      }
      TestServer s = TestServer.start(testClass.getSimpleName() + "." + f.getName(), env(f, c), null);
      started.add(s);
      set(f, f.getType() == TestServer.class ? s : s.api());
    }
    if (!servers.isEmpty()) {
      for (Field a : apis) {
        set(a, started.get(0).api());
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    @SuppressWarnings("unchecked")
    List<TestServer> started = (List<TestServer>) context.getStore(NAMESPACE).remove(context.getRequiredTestClass());
    Throwable failure = null;
    for (TestServer s : started == null ? List.<TestServer>of() : started) {
      try {
        s.close();
      } catch (RuntimeException | Error e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /** The annotated fields of the class and its superclasses, the superclasses' first, each class's in declaration order. */
  private static List<Field> annotatedFields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    if (c.getSuperclass() != null) {
      out.addAll(annotatedFields(c.getSuperclass()));
    }
    for (Field f : c.getDeclaredFields()) {
      if (f.isAnnotationPresent(ClassServer.class)) {
        out.add(f);
      }
    }
    return out;
  }

  private static Map<String, String> env(Field f, ClassServer c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String setting : c.env()) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw misuse(f, "has a setting that is not NAME=value: " + setting);
      }
      env.put(setting.substring(0, eq), setting.substring(eq + 1));
    }
    return env;
  }

  private static void set(Field f, Object value) {
    try {
      f.setAccessible(true);
      f.set(null, value);
    } catch (IllegalAccessException e) {
      throw new ExtensionConfigurationException("cannot set " + f, e);
    }
  }

  private static ExtensionConfigurationException misuse(Field f, String what) {
    return new ExtensionConfigurationException("@ClassServer field " + f.getDeclaringClass().getSimpleName() + "."
        + f.getName() + " " + what);
  }
}
