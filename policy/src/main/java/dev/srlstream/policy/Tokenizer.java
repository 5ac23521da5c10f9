package dev.srlstream.policy;

import java.util.Optional;

/**
 * Text to token ids and back, with a fixed vocabulary.
 *
 * <p>Contract: {@code decode(encode(s)).equals(s)} for every well-formed Unicode string {@code s};
 * {@link #decode} never throws (ids it cannot render become U+FFFD); {@link #encode} never produces
 * {@link #pad()}, {@link #bos()} or {@link #eos()}, which have no text.
 */
public interface Tokenizer {

  /** A stable name written into weights headers, so weights are never loaded with another one. */
  String id();

  /** The number of token ids, {@code 0..vocabSize()-1}. */
  int vocabSize();

  /** The token ids of {@code text} (no BOS or EOS added). */
  int[] encode(String text);

  /** The text of {@code ids}; invalid ids or byte sequences become U+FFFD, PAD/BOS/EOS nothing. */
  String decode(int[] ids);

  /**
   * How many bytes the token adds to the UTF-8 encoding of {@link #decode}'s text when the decoded
   * bytes are valid UTF-8: 0 for PAD, BOS and EOS. (Invalid bytes decode to U+FFFD, so a response
   * with them decodes to more bytes than its tokens add up to.)
   */
  int utf8Length(int id);

  /** Padding, never attended to by a real token when sequences are right-padded. */
  int pad();

  /** Beginning of sequence: the first token of every prompt. */
  int bos();

  /** End of sequence: the stop token of a response. */
  int eos();

  /**
   * The ids of a prompt's text: BOS and the text's ids. A tokenizer whose model has its own rule
   * for what surrounds an input (a Hugging Face post-processor) follows that rule instead.
   */
  default int[] encodePrompt(String text) {
    int[] body = encode(text);
    int[] tokens = new int[body.length + 1];
    tokens[0] = bos();
    System.arraycopy(body, 0, tokens, 1, body.length);
    return tokens;
  }

  /**
   * The text of a system and a user message laid out by the model's chat template with the
   * assistant's turn opened, if the model has one (Hugging Face instruct models do); empty
   * otherwise.
   */
  default Optional<String> chatPrompt(String system, String user) {
    return Optional.empty();
  }
}
