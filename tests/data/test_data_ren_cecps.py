"""ren_cecps: small XML documents in the corpus format (the corpus may not be redistributed)."""

from collections import Counter

import pytest

from hf_emotion.data import DataFormatError

TAGS = ("Joy", "Hate", "Love", "Sorrow", "Anxiety", "Surprise", "Anger", "Expect")


def sentence(text, intensities, polarity="中性", tokens="我/r  很/d  好/a"):
    values = "".join(f"<{t}>{v}</{t}>" for t, v in zip(TAGS, intensities))
    return (
        f'<sentence S="{text}"><S_no>1</S_no><Segmented_S>{tokens}</Segmented_S><S_Length>3</S_Length>'
        f'<Keywords position="1" POS="a" Joy="0.5">好</Keywords><Polarity>{polarity}</Polarity>{values}</sentence>'
    )


def document(*paragraphs):
    doc_values = "".join(f"<{t}>0.0</{t}>" for t in TAGS)
    body = "".join(f"<paragraph><P_no>{i}</P_no>{''.join(p)}</paragraph>" for i, p in enumerate(paragraphs, 1))
    return f'<document>{doc_values}<Topic>日常</Topic><title T="标题"><Segmented_S>标题/n</Segmented_S></title>{body}</document>'


JOY = (0.6, 0, 0, 0, 0, 0, 0, 0.0)
SAD_ANXIOUS = (0, 0, 0, 0.7, 0.3, 0, 0, 0)
NONE = (0,) * 8


def write_corpus(folder, n_docs=10):
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(n_docs):
        first = sentence(f"文{d}甲", JOY if d % 2 else SAD_ANXIOUS, "积极" if d % 2 else "消极")
        (folder / f"doc{d:03d}.xml").write_text(document([first, sentence(f"文{d}乙", NONE)], [sentence(f"文{d}丙", JOY)]), encoding="utf-8")


def test_sentence_examples(tmp_path, load):
    write_corpus(tmp_path, n_docs=1)
    ds = load("ren_cecps", tmp_path, document_counts=(1, 0, 0))
    train = ds["train"]
    assert train["id"] == ["doc000/1/1", "doc000/1/2", "doc000/2/1"]  # the title is not a sentence
    first = train[0]
    assert first["text"] == "文0甲" and first["tokens"] == ["我", "很", "好"] and first["pos_tags"] == ["r", "d", "a"]
    names = train.features["labels"].feature.names
    assert [names[i] for i in first["labels"]] == ["sorrow", "anxiety"]
    assert first["intensities"] == pytest.approx(SAD_ANXIOUS)
    assert train.features["polarity"].int2str(first["polarity"]) == "negative"
    assert train[1]["labels"] == [] and list(ds) == ["train"]


def test_document_split_keeps_documents_whole_and_is_seeded(tmp_path, load):
    write_corpus(tmp_path, n_docs=10)
    ds = load("ren_cecps", tmp_path, split_fractions=(0.6, 0.2, 0.2), seed=3)
    docs = {split: set(d["document"]) for split, d in ds.items()}
    assert [len(docs[s]) for s in ("train", "validation", "test")] == [6, 2, 2]
    assert not (docs["train"] & docs["test"]) and not (docs["train"] & docs["validation"])
    assert sum(d.num_rows for d in ds.values()) == 30  # nothing lost
    assert load("ren_cecps", tmp_path, split_fractions=(0.6, 0.2, 0.2), seed=3)["test"]["id"] == ds["test"]["id"]
    by_sentence = load("ren_cecps", tmp_path, split_unit="sentence")
    assert Counter({s: d.num_rows for s, d in by_sentence.items()}) == Counter(train=21, validation=3, test=6)


def test_datn_first_documents(tmp_path, load):
    write_corpus(tmp_path, n_docs=10)
    ds = load("ren_cecps", tmp_path, document_counts=(5, 2, 3))
    assert sorted(set(ds["validation"]["document"])) == ["doc005", "doc006"]
    with pytest.raises(ValueError, match="document_counts"):
        load("ren_cecps", tmp_path, document_counts=(8, 2, 3))


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (document([sentence("x", (0.5,) * 7 + ("lots",))]), "paragraph 1, sentence 1: <Expect> is 'lots'"),
        (document([sentence("x", JOY), sentence("y", (1.5,) + (0,) * 7)]), "paragraph 1, sentence 2: <Joy> is 1.5"),
        (document([sentence("x", JOY, polarity="好")]), "<Polarity> is '好'"),
        (document([sentence("x", JOY)])[:-5], "not well-formed XML"),
        (document(), "no <paragraph><sentence> elements"),
        (document([sentence("x", JOY).replace(' S="x"', "")]), "has no S attribute"),
    ],
)
def test_bad_documents_name_file_and_sentence(tmp_path, load, xml, message):
    write_corpus(tmp_path, n_docs=2)
    (tmp_path / "bad.xml").write_text(xml, encoding="utf-8")
    with pytest.raises(DataFormatError, match=f"bad.xml: .*{message}" if "XML" not in message else f"bad.xml: {message}"):
        load("ren_cecps", tmp_path)


def test_missing_folder_or_documents(tmp_path, load):
    with pytest.raises(FileNotFoundError, match="one \\*.xml file per document"):
        load("ren_cecps", tmp_path)
