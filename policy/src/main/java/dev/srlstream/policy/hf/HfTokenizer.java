package dev.srlstream.policy.hf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.srlstream.policy.Tokenizer;
import dev.srlstream.policy.Tokenizers;
import dev.srlstream.policy.WeightsCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}), run by Hugging Face's own Rust library through
 * DJL, so normalisation, pre-tokenisation, merges, special tokens and byte fallback are exactly
 * those of {@code transformers}. The native library ships inside DJL's jar: nothing is downloaded.
 *
 * <p>Differences from the bundled byte tokenizer's contract: a special token's text in the input
 * (say {@code <|im_end|>}) encodes to that special token, as in {@code transformers}; and there may
 * be no BOS token (Qwen2 has none), in which case {@link #bos()} is -1 and prompts start with their
 * text. {@link #encode} adds nothing; {@link #encodePrompt} adds what the tokenizer's own
 * post-processor adds ({@code add_special_tokens=True}), and nothing else.
 *
 * <p>Thread-safe: the Rust tokenizer is immutable once loaded. A loaded tokenizer is registered
 * with {@link Tokenizers} and lives as long as the process (loading the same file again returns
 * it), so weights that name it by id load anywhere in the process.
 */
public final class HfTokenizer implements Tokenizer {

  /** A byte-fallback token such as {@code <0xE2>}: one raw byte. */
  private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

  private final HuggingFaceTokenizer rust;
  private final String id;
  private final int vocabSize;
  private final int[] utf8Lengths;
  private final int bos;
  private final int eos;
  private final int pad;
  private final Optional<ChatTemplate> chatTemplate;

  private HfTokenizer(
      HuggingFaceTokenizer rust,
      String id,
      int[] utf8Lengths,
      int bos,
      int eos,
      int pad,
      Optional<ChatTemplate> chatTemplate) {
    this.rust = rust;
    this.id = id;
    this.vocabSize = utf8Lengths.length;
    this.utf8Lengths = utf8Lengths;
    this.bos = bos;
    this.eos = eos;
    this.pad = pad;
    this.chatTemplate = chatTemplate;
  }

  /**
   * The tokenizer of a Hugging Face model directory: {@code tokenizer.json}, with BOS, EOS and PAD
   * named by {@code tokenizer_config.json} (EOS also by {@code generation_config.json} or {@code
   * config.json} as an id, the first found).
   *
   * @throws IllegalArgumentException naming the file, if a file is missing or malformed, or names a
   *     token the vocabulary does not have
   */
  public static HfTokenizer load(Path directory) throws IOException {
    Path file = directory.resolve("tokenizer.json");
    byte[] bytes = HfFiles.read(file, "the model's Hugging Face tokenizer");
    JsonNode json = HfFiles.json(bytes, file);
    Map<String, Integer> ids = tokenIds(json, file);
    int[] utf8Lengths = utf8Lengths(json, ids, file);

    JsonNode config = HfFiles.optionalJson(directory.resolve("tokenizer_config.json"));
    int bos = specialToken(config, "bos_token", ids, directory);
    int eos = specialToken(config, "eos_token", ids, directory);
    if (eos < 0) {
      eos = eosIdFromConfigs(directory);
    }
    if (eos < 0) {
      throw new IllegalArgumentException(
          directory
              + ": the model must name its end-of-sequence token (eos_token in"
              + " tokenizer_config.json, or eos_token_id in generation_config.json or"
              + " config.json), but none does");
    }
    if (eos >= utf8Lengths.length) {
      throw new IllegalArgumentException(
          directory
              + ": eos_token_id must be a token of tokenizer.json (0.."
              + (utf8Lengths.length - 1)
              + "), but was "
              + eos);
    }
    int pad = specialToken(config, "pad_token", ids, directory);
    if (bos >= 0) {
      utf8Lengths[bos] = 0;
    }
    utf8Lengths[eos] = 0;
    if (pad >= 0) {
      utf8Lengths[pad] = 0;
    }

    HuggingFaceTokenizer rust;
    try {
      // No truncation or padding: the prompt's length is checked against the context elsewhere.
      rust =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(bytes),
              Map.of(
                  "addSpecialTokens", "false",
                  "truncation", "false",
                  "padding", "false",
                  "maxLength", String.valueOf(Integer.MAX_VALUE)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          file
              + " must be a tokenizer Hugging Face's library reads, but it said: "
              + e.getMessage(),
          e);
    }
    Optional<ChatTemplate> template = chatTemplate(directory, config, json, bos, eos);
    // The chat template is part of how prompts are tokenized, so it is part of the identity.
    byte[] identity = bytes;
    if (template.isPresent()) {
      byte[] source = template.get().source().getBytes(StandardCharsets.UTF_8);
      identity = Arrays.copyOf(bytes, bytes.length + source.length);
      System.arraycopy(source, 0, identity, bytes.length, source.length);
    }
    String id =
        "hf-" + HexFormat.of().formatHex(WeightsCodec.sha256(identity, identity.length), 0, 8);
    HfTokenizer loaded =
        new HfTokenizer(rust, id, utf8Lengths, bos, eos, pad < 0 ? eos : pad, template);
    Tokenizer known = Tokenizers.register(loaded);
    if (known != loaded) {
      rust.close();
    }
    return (HfTokenizer) known;
  }

  /**
   * {@code hf-} and the first 8 bytes of the SHA-256 of {@code tokenizer.json} followed by the chat
   * template (if any), in hex: weights trained with one tokenizer and prompt layout are never
   * loaded with another.
   */
  @Override
  public String id() {
    return id;
  }

  /** One more than the largest id of the vocabulary and the added tokens. */
  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int[] encode(String text) {
    return toInts(rust.encode(text, false, false).getIds());
  }

  /** The ids {@code transformers} gives {@code tokenizer(text)["input_ids"]}. */
  public int[] encodePrompt(String text) {
    return toInts(rust.encode(text, true, false).getIds());
  }

  /**
   * The text of {@code ids}, as {@code transformers} decodes it, with PAD, BOS and EOS left out (a
   * sampled response's stop token is not text); other special tokens keep their text.
   */
  @Override
  public String decode(int[] ids) {
    long[] kept = new long[ids.length];
    int n = 0;
    for (int token : ids) {
      if (token != pad && token != bos && token != eos) {
        kept[n++] = token;
      }
    }
    return rust.decode(Arrays.copyOf(kept, n), false);
  }

  /** The model's chat template, if it has one. */
  public Optional<ChatTemplate> chatTemplate() {
    return chatTemplate;
  }

  @Override
  public Optional<String> chatPrompt(String system, String user) {
    return chatTemplate.map(
        t ->
            t.render(
                List.of(
                    new ChatTemplate.Message("system", system),
                    new ChatTemplate.Message("user", user)),
                true));
  }

  @Override
  public int utf8Length(int id) {
    return id >= 0 && id < utf8Lengths.length ? utf8Lengths[id] : 0;
  }

  @Override
  public int pad() {
    return pad;
  }

  /** BOS, or -1 if the tokenizer has none (Qwen2). */
  @Override
  public int bos() {
    return bos;
  }

  @Override
  public int eos() {
    return eos;
  }

  /**
   * The token strings of {@link #encodePrompt}'s ids, as the vocabulary spells them (in GPT-2's
   * byte alphabet, say).
   */
  public List<String> tokens(String text) {
    return List.of(rust.encode(text, true, false).getTokens());
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Every token string of the model's vocabulary and the added tokens, with its id. */
  private static Map<String, Integer> tokenIds(JsonNode json, Path file) {
    JsonNode vocab = json.path("model").path("vocab");
    if (!vocab.isObject()) {
      throw new IllegalArgumentException(
          file
              + " must have a model.vocab object (a BPE or WordPiece vocabulary), but had "
              + (vocab.isMissingNode() ? "none" : vocab.getNodeType().toString().toLowerCase()));
    }
    Map<String, Integer> ids = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      ids.put(entry.getKey(), entry.getValue().asInt());
    }
    for (JsonNode added : json.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asInt());
    }
    return ids;
  }

  /**
   * The UTF-8 bytes each token adds to a decoded text. With a byte-level decoder (GPT-2, Qwen2) a
   * token's string has one character per byte; with byte fallback {@code <0xHH>} is one byte; an
   * added token adds its text; otherwise the string with SentencePiece's {@code ▁} as a space.
   */
  private static int[] utf8Lengths(JsonNode json, Map<String, Integer> ids, Path file) {
    int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    if (size < 2) {
      throw new IllegalArgumentException(file + " must have at least 2 tokens, but had " + size);
    }
    boolean byteLevel = mentionsByteLevel(json.path("decoder"));
    Set<String> added = new HashSet<>();
    for (JsonNode token : json.path("added_tokens")) {
      added.add(token.path("content").asText());
    }
    int[] lengths = new int[size];
    for (Map.Entry<String, Integer> entry : ids.entrySet()) {
      String token = entry.getKey();
      Matcher hex = BYTE_TOKEN.matcher(token);
      int length;
      if (added.contains(token)) {
        length = token.getBytes(StandardCharsets.UTF_8).length;
      } else if (byteLevel) {
        length = token.codePointCount(0, token.length());
      } else if (hex.matches()) {
        length = 1;
      } else {
        length = token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8).length;
      }
      lengths[entry.getValue()] = length;
    }
    return lengths;
  }

  private static boolean mentionsByteLevel(JsonNode decoder) {
    if ("ByteLevel".equals(decoder.path("type").asText())) {
      return true;
    }
    for (JsonNode inner : decoder.path("decoders")) {
      if (mentionsByteLevel(inner)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The id of the special token {@code field} of {@code tokenizer_config.json} names (a string or
   * {@code {"content": …}}), or -1 if it names none.
   */
  private static int specialToken(
      JsonNode config, String field, Map<String, Integer> ids, Path directory) {
    JsonNode node = config.path(field);
    String content = node.isTextual() ? node.asText() : node.path("content").asText(null);
    if (content == null) {
      return -1;
    }
    Integer token = ids.get(content);
    if (token == null) {
      throw new IllegalArgumentException(
          directory.resolve("tokenizer_config.json")
              + ": "
              + field
              + " must be a token of tokenizer.json, but was "
              + content);
    }
    return token;
  }

  /**
   * The chat template: {@code chat_template.jinja}, or {@code chat_template} in {@code
   * tokenizer_config.json} (a string; a list of named templates uses the one named "default").
   */
  private static Optional<ChatTemplate> chatTemplate(
      Path directory, JsonNode config, JsonNode tokenizer, int bos, int eos) throws IOException {
    Path jinja = directory.resolve("chat_template.jinja");
    String source = null;
    if (Files.exists(jinja)) {
      source = Files.readString(jinja);
    } else if (config.path("chat_template").isTextual()) {
      source = config.path("chat_template").asText();
    } else {
      for (JsonNode named : config.path("chat_template")) {
        if ("default".equals(named.path("name").asText())) {
          source = named.path("template").asText();
        }
      }
    }
    if (source == null) {
      return Optional.empty();
    }
    Map<String, String> specials = new HashMap<>();
    Map<Integer, String> byId = new HashMap<>();
    for (JsonNode added : tokenizer.path("added_tokens")) {
      byId.put(added.path("id").asInt(), added.path("content").asText());
    }
    if (bos >= 0 && byId.containsKey(bos)) {
      specials.put("bos_token", byId.get(bos));
    }
    if (byId.containsKey(eos)) {
      specials.put("eos_token", byId.get(eos));
    }
    return Optional.of(new ChatTemplate(source, specials));
  }

  private static int eosIdFromConfigs(Path directory) throws IOException {
    for (String name : List.of("generation_config.json", "config.json")) {
      JsonNode eos = HfFiles.optionalJson(directory.resolve(name)).path("eos_token_id");
      if (eos.isInt()) {
        return eos.asInt();
      }
      if (eos.isArray() && !eos.isEmpty()) {
        return eos.get(0).asInt();
      }
    }
    return -1;
  }
}
