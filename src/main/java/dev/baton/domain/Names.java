package dev.baton.domain;

import java.util.concurrent.ThreadLocalRandom;

/** Random two-word slugs ("crimson-otter") for runs created without a name. */
public final class Names {
  private static final String[] ADJECTIVES = {
      "amber", "brave", "calm", "clever", "crimson", "daring", "eager", "fancy", "gentle", "golden",
      "happy", "icy", "jolly", "keen", "lively", "lucky", "merry", "misty", "noble", "olive",
      "patient", "quick", "quiet", "rapid", "rustic", "scarlet", "silver", "steady", "swift", "tidy",
      "urban", "vivid", "warm", "witty", "young", "zealous", "bold", "cosmic", "dusty", "electric"};
  private static final String[] ANIMALS = {
      "albatross", "badger", "beaver", "bison", "camel", "cheetah", "cobra", "coyote", "crane", "dingo",
      "dolphin", "eagle", "falcon", "ferret", "gecko", "gibbon", "heron", "ibex", "jackal", "jaguar",
      "koala", "lemur", "lynx", "marmot", "moose", "narwhal", "ocelot", "otter", "panda", "puffin",
      "quokka", "raven", "salmon", "seal", "tapir", "toucan", "walrus", "wombat", "yak", "zebra"};

  private Names() {}

  public static String slug() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return ADJECTIVES[r.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[r.nextInt(ANIMALS.length)];
  }
}
