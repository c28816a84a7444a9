# The paragraphs around the tables of nrc_learned.md and nrc_structure.md (sourced by
# nrc_summaries.sh); what they say is read off the tables below them.

SETUP="Official nrc split: 5,542 training reads, 618 validation reads drawn from the training \
file by the seed, and the whole official test split (2,529 reads), 13 classes. Each row is \
\`benchmarks/nrc.py\` with \`--seeds 0,1,2\`: every tokenizer is trained on that seed's training \
split only, then the default recipe of \`classify train\` (tiny BERT, mean pooling, 10 epochs, \
patience 3, learning rate 1e-3) unless the variant says otherwise. Rows tagged \`default\`, \
\`albert\`, \`kmer-channel6\`, \`bpe-dropout0.1\` and \`loop-channel\` ran on a lent H200 \
(\`benchmarks/gpu_nrc.sh\`: 16 cells at a time, one CPU thread each, torch 2.11); rows tagged \
\`-cpu\` ran on this project's shared 2-core CPU machine (torch 2.13, one thread a cell). \
Comparisons pair rows of one machine only. CPU s: user+sys of the cell's process (training, \
validation and the test pass; the tokenizer too); wall s on the GPU machine is shared by 16 cells."

LEARNED_INTRO="$SETUP"
LEARNED_NOTES="**Lever by lever (3 seeds each, mean test accuracy).** Plain learned vocabularies \
stay 10.7-13.3 points under overlapping 6-mers (0.899, GPU rows): BPE-256 0.792, BPE-1024 0.790, \
unigram-256 0.780, unigram-1024 0.766; on this CPU the plain rows repeat it (BPE-1024 0.789, \
unigram-1024 0.769), and each lever below is paired with the plain row of its own machine. \
**Segmentation sampling** helps both algorithms: BPE-dropout 0.1 +2.3 points (0.812 on the CPU, \
0.806 on the GPU; significant over reads, Holm); unigram sampling with alpha 2 +3.7 (0.805). \
**Test-time averaging** (\`--test-segmentations 8\`, the same trained model scored a second \
time by \`nrc.py --also-test-segmentations 8\`, 30-43 CPU-s) adds +0.6 for BPE-dropout (0.818) \
and +3.4 for unigram (**0.839 ± 0.007**, significant over seeds, Holm p = 0.010): the best \
learned vocabulary without a k-mer view, 7.1 points over unigram-1024 without sampling and still 5.9 under 6-mers. \
Unigram alpha 0.1 (sentencepiece's documentation example) fails on DNA: its samples have 62 tokens \
a read against 28 for the best segmentation, and the seed-0 run stood at validation accuracy \
0.18-0.21 after 7 epochs (train loss 1.4), so it was stopped and alpha 2 (+4.5% tokens, \
close to BPE-dropout 0.1's +2.3%) run instead. **\`--crop 0.1\`** costs 1.2 points (0.777; \
McNemar Holm p = 0.034): nrc's families differ in length and ends, which crops blur. **A tokenizer \
trained on more unlabelled sequence** (\`bpe:1024+nrc-original+tgm2-selex\`: the seed's training \
reads plus the mirror's unlabelled sets, every validation and test read removed, 48,970-48,992 \
reads and 2.8 Mnt instead of 5,542 and 0.89 Mnt) changes nothing (0.786, -0.3, n.s.): the \
mirror holds no other ncRNA, only nrc's own training file again and 38,513 30-nt TGM2 aptamer \
reads. The **k-mer channel** (\`--kmer-channel 6\`: each BPE token's embedding plus the mean \
embedding of the 6-mers it spans) moves most: 0.875 alone (GPU), **0.883 ± 0.007** with \
BPE-dropout (CPU; +9.4 over plain, Holm p = 0.036 over seeds), 0.884 with the loop-type \
channel added (+0.2 over it, n.s.), and **0.891 ± 0.003** on unigram-1024 tokens with alpha-2 \
sampling and 8-segmentation test-time averaging (0.869 without the averaging; the channel adds \
6.3 points to unigram sampling, Holm p = 0.042 over seeds). Against the 6-mers (a GPU row, so these four pairs cross \
machines) the BPE k-mer channel with dropout is 1.6 points under (McNemar Holm p = 2e-4, over \
seeds n.s.), with the loop channel 1.4 under (Holm p = 0.002), unigram with sampling and \
averaging 5.9 under (Holm p < 1e-12), and the unigram k-mer channel row 0.8 under, **not \
significantly** (McNemar 327/384, Holm p = 0.14; over seeds Holm p = 0.50). **So no learned vocabulary \
reaches 0.90 on nrc:** the best with learned tokens alone is 0.839 (unigram, sampling and \
test-time averaging); the best with a k-mer view beside them is 0.891, 0.9 points short of \
0.90 and not significantly different from the 6-mers, at a fifth of their tokens (34.5 a read against 155). \
**Not run on this CPU** (no GPU lent this session; a BPE-1024 cell costs 290-470 CPU-s here): \
the levers on BPE-256 and unigram-256 (their plain rows are in the table), the unigram k-mer \
channel with the loop channel, and other alphas or dropout rates. **ALBERT** instead of BERT: 6-mers \
0.887 (-1.1, Holm p = 0.028 over seeds), BPE-1024 0.785 (-0.5, n.s.): BERT stays the default. \
Why the learned tokens trail: a bag of the bare tokens already shows it (TF-IDF logistic \
regression: 6-mers 0.912, BPE-1024 0.780, \`nrc_bag.md\`): one nucleotide change \
re-segments a BPE read, so the same motif becomes different tokens in different reads, while \
every overlapping 6-mer means the same thing everywhere; sampling and averaging show the model \
several spellings of a read, and the k-mer channel gives the 6-mer view back, which is why they \
move most. The kmer-logreg:6 row of this run has no per-read predictions (run before they were \
kept)."

STRUCTURE_INTRO="$SETUP Folding: ViennaRNA MFE folds of the 8,348 distinct nrc reads, once, into \
the fold cache (\`nrc.py --prefold\`): 60 s wall on the 16-core GPU machine, 385 s wall with 2 \
worker processes on the shared CPU machine; the ViennaRNA pair probabilities of the same reads \
(\`nrc.py --prefold --set structure_bias='\"bpp\"'\`, kept when p >= 1e-3) 776 s wall with 2 \
worker processes there, beside a running cell. Every structure cell reads them from the cache, \
so its CPU s exclude folding."
STRUCTURE_NOTES="**Verdicts, one sentence each.** (1) **Structure as tokens loses on nrc:** every \
structure-aware tokenizer (struct-bpe, struct-unigram, each with element and hairpin units, \
struct-alphabet, hairpin-vocab; vocabulary 256 and 1024) scores 0.65-0.72, 6.4-12.4 points under \
the plain BPE or unigram tokenizer of the same size, significant over the test reads for all 12 \
(McNemar, Holm p < 1e-12) and over seeds for none after Holm (2-3 seeds; hairpin-vocab-1024 \
comes closest, Holm p = 0.06). (2) **A structure attention bias does nothing measurable:** \
\`--structure-bias pairs\` on BPE-1024 tokens 0.786 against 0.789 without it (-0.3, McNemar \
p = 0.48) and 0.792 with the structures shuffled between reads of the same length (-0.6, n.s.); \
\`--structure-bias bpp\` (the pair probabilities) 0.801 against 0.789 without it (+1.2, \
significant over reads, McNemar Holm p = 0.003, not over seeds), but its shuffled control \
scores the same (0.800; +0.1, McNemar p = 0.75), so what it adds \
is not the read's own fold. (3) **A loop-type channel helps, and the shuffled control says it is the structure:** \
\`--structure-channel\` on BPE-1024 tokens 0.820 ± 0.003 against 0.789 without it (+3.1 points, \
every seed above its pair; McNemar Holm p = 1e-11, over seeds uncorrected p = 0.041, Holm 0.49) \
and against 0.780 with shuffled structures (+4.0, McNemar Holm p < 1e-12): the gain comes from \
the read's own fold, not from an extra input, and shuffled structures cost 0.9 points. On \
6-mers the channel gave 0.909 against 0.898 for seed 0 only (+1.0, n.s.). (4) Length alone \
(the length-only logistic regression) scores 0.416: the families differ in length, but every \
neural row is 24-48 points above it. **Why the structure tokenizers lose:** their tokens are cut \
at element boundaries of one predicted fold, so the same sequence motif becomes different \
tokens in reads that fold differently, the problem of learned tokens (nrc_learned.md) made \
worse; the channel instead keeps the sequence tokens and adds the fold beside them. **Not run** \
(no GPU lent this session and the last session's device time spent; a 6-mer cell costs \
1,200-1,800 CPU-s on the CPU machine, more with the bias, so the 18 six-mer cells below would take \
3-4.5 hours of both its cores, plus the ten tokenizer cells): seed 2 of ten structure-tokenizer rows (their seeds 0-1 are in \
the table), the bias (pairs and bpp) and the channel with 6-mers over 3 seeds, each with its \
shuffled control (the 6-mer bias cells did not finish inside the 200 s left on the device). \
\`benchmarks/gpu_nrc.sh\` has them as two phases, \`structure6\` and \`seed2\`, prepared for the \
next lent GPU and not yet run; this script merges their results files when they exist."
