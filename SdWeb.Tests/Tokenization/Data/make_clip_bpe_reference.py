"""
Makes clip_bpe_reference.json: token ids for generated strings from a plain-Python re-statement of transformers 4.35
CLIPTokenizer._tokenize/bpe (whitespace_clean + lower, CLIP's regex with the `regex` module, byte-level BPE with "</w>"),
run on the golden tiny-sd/tokenizer files. It checks the parts the 40 golden cases cannot cover broadly: random words,
odd word shapes, many scripts, emoji, and letters/digits outside the BMP. The strings need no ftfy fix (checked by
TextFixer leaving them unchanged), so ftfy is not run. Usage: python3 make_clip_bpe_reference.py GOLDEN_DIR > clip_bpe_reference.json
"""
import json, regex, random, unicodedata, sys
d=sys.argv[1].rstrip('/')+'/tiny-sd/tokenizer/'
enc=json.load(open(d+'vocab.json'))
merges=open(d+'merges.txt',encoding='utf-8').read().strip().split('\n')[1:49152-256-2+1]
ranks={tuple(m.split()):i for i,m in enumerate(merges)}
def bytes_to_unicode():
    bs=list(range(ord("!"),ord("~")+1))+list(range(ord("¡"),ord("¬")+1))+list(range(ord("®"),ord("ÿ")+1))
    cs=bs[:]; n=0
    for b in range(256):
        if b not in bs: bs.append(b); cs.append(256+n); n+=1
    return dict(zip(bs,[chr(c) for c in cs]))
be=bytes_to_unicode()
pat=regex.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", regex.IGNORECASE)
cache={"<|startoftext|>":"<|startoftext|>","<|endoftext|>":"<|endoftext|>"}
def get_pairs(w): return set(zip(w,w[1:]))
def bpe(token):
    if token in cache: return cache[token]
    word=tuple(token[:-1])+(token[-1]+"</w>",)
    pairs=get_pairs(word)
    if not pairs: return token+"</w>"
    while True:
        bigram=min(pairs,key=lambda p: ranks.get(p,float("inf")))
        if bigram not in ranks: break
        first,second=bigram; new=[]; i=0
        while i<len(word):
            try:
                j=word.index(first,i)
            except ValueError:
                new.extend(word[i:]); break
            else:
                new.extend(word[i:j]); i=j
            if word[i]==first and i<len(word)-1 and word[i+1]==second:
                new.append(first+second); i+=2
            else:
                new.append(word[i]); i+=1
        word=tuple(new)
        if len(word)==1: break
        pairs=get_pairs(word)
    word=" ".join(word); cache[token]=word; return word
def tok(text):
    text=regex.sub(r"\s+"," ",text).strip().lower()
    out=[]
    for t in regex.findall(pat,text):
        t="".join(be[b] for b in t.encode("utf-8"))
        out.extend(enc[x] for x in bpe(t).split(" "))
    return [49406]+out+[49407]
random.seed(1)
words=[w.replace('</w>','') for w in enc if w.endswith('</w>') and w.isascii()]
prompts=[]
for _ in range(60):
    prompts.append(" ".join(random.choice(words) for _ in range(random.randint(1,12))))
for _ in range(40):
    # random concatenations to make unusual long words
    prompts.append("".join(random.choice(words) for _ in range(random.randint(2,6))) + " " + "".join(random.choice(words) for _ in range(3)))
pools=["abcdefghijklmnopqrstuvwxyz", "0123456789", ".,;:!?-_/\\()[]{}<>@#$%^&*+=~`'\"|", "äöüßéèêàçñõ", "αβγδεζηθικλμνξοπρστυφχψω", "абвгдежзийклмнопрстуфхцчшщъыьэюя", "日本語中文字漢字かなカナ한국어", "🐱🚀😀👍🏽❤️🇯🇵", "𝐀𝐁𝐂𝟏𝟐𠀀𠀁", "ΣΑΣ İI", "  \t"]
for _ in range(150):
    s="".join(random.choice(random.choice(pools)) for _ in range(random.randint(1,30)))
    prompts.append(unicodedata.normalize("NFC",s))
prompts += ["a"*200, "ab"*100, "hello"*30, "'s's's", "don't'll've'd'm're", "x'S Y'LL", "1234567890"*3, "<|startoftext|>hi<|endoftext|>"]
json.dump({"description": __doc__.strip(), "cases": [{"prompt":p,"ids":tok(p)} for p in prompts]}, sys.stdout, ensure_ascii=True, indent=0)

