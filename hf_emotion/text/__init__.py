"""Text layer: the word-level tweet tokenizer, pretrained word vectors and emotion lexicons."""

from .lexicon import default_english_lexicon, emotion_vocabulary_ids, load_lexicon, stopwords
from .tokenizer import (
    PAD_TOKEN,
    UNK_TOKEN,
    build_tokenizer,
    is_emoji_or_emoticon,
    pre_tokenize,
    prepare_text,
    segment_chinese,
    strip_pos_tags,
    vocabulary,
)
from .vectors import GLOVE_6B_50D, VectorCoverage, load_word_vectors

__all__ = [
    "GLOVE_6B_50D",
    "PAD_TOKEN",
    "UNK_TOKEN",
    "VectorCoverage",
    "build_tokenizer",
    "default_english_lexicon",
    "emotion_vocabulary_ids",
    "is_emoji_or_emoticon",
    "load_lexicon",
    "load_word_vectors",
    "pre_tokenize",
    "prepare_text",
    "segment_chinese",
    "stopwords",
    "strip_pos_tags",
    "vocabulary",
]
