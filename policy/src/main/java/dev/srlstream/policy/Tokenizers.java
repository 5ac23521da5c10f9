package dev.srlstream.policy;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizers this process knows, by {@link Tokenizer#id()}: the bundled byte tokenizer always,
 * and the tokenizer of every Hugging Face model the process has loaded ({@code --model hf:DIR}
 * registers it). Weights name their tokenizer by id; a process can only load weights whose
 * tokenizer it knows, so an actor or learner of a Hugging Face model is given the model's directory
 * too.
 */
public final class Tokenizers {

  private static final Map<String, Tokenizer> KNOWN =
      new ConcurrentHashMap<>(Map.of(ByteTokenizer.ID, ByteTokenizer.INSTANCE));

  private Tokenizers() {}

  /**
   * Makes {@code tokenizer} known by its id, and returns the tokenizer known by that id: the one
   * registered first (two loads of one {@code tokenizer.json} have the same id and behave alike).
   */
  public static Tokenizer register(Tokenizer tokenizer) {
    return KNOWN.computeIfAbsent(tokenizer.id(), id -> tokenizer);
  }

  /**
   * The tokenizer with the given id.
   *
   * @throws IllegalArgumentException naming the known ids, and how to make a Hugging Face model's
   *     tokenizer known
   */
  public static Tokenizer forId(String id) {
    Tokenizer tokenizer = KNOWN.get(id);
    if (tokenizer == null) {
      throw new IllegalArgumentException(
          "tokenizer must be one of "
              + knownIds()
              + ", but was '"
              + id
              + "'"
              + (id.startsWith("hf-")
                  ? " (a Hugging Face model's: name the model's directory, --model hf:DIR, or"
                      + " turn these weights into one with srl export --model hf:DIR and name"
                      + " that)"
                  : ""));
    }
    return tokenizer;
  }

  /** The ids this process knows, sorted. */
  static SortedSet<String> knownIds() {
    return new TreeSet<>(KNOWN.keySet());
  }
}
