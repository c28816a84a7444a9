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
stay 10.7-13.3 points under overlapping 6-mers (0.899): BPE-256 0.792, BPE-1024 0.790, \
unigram-256 0.780, unigram-1024 0.766. The **k-mer channel** (\`--kmer-channel 6\`: each BPE \
token's embedding plus the mean embedding of the 6-mers it spans) lifts BPE-1024 by 8.5 points \
to **0.875** at 38 tokens a read instead of 155, closing 78% of the gap, but stays 2.4 points under \
the 6-mers (McNemar Holm p = 2e-9; over seeds Holm p = 0.07). **BPE-dropout** 0.1 adds 1.6 points \
(0.806; significant over reads, not over seeds). **ALBERT** instead of BERT: 6-mers 0.887 \
(-1.1, Holm p = 0.012 over seeds), BPE-1024 0.785 (-0.5, n.s.): BERT stays the default. \
So no learned vocabulary reaches 0.90 here; the best is 0.875. **Not run** (the lent GPU's \
15 minutes were spent on the rows above and on nrc_structure.md; a BPE-1024 cell costs 290-440 \
CPU-s and 8-12 minutes wall on the shared CPU machine, a 6-mer cell 1,200-1,800 CPU-s): unigram \
sampling (\`--segmentation-sampling\` on unigram), \`--crop\`, \`--test-segmentations\` > 1, \
tokenizers trained on the leak-free unlabelled corpus (\`corpora unlabelled nrc --extra \
nrc-original --extra tgm2-selex\`), and combinations (k-mer channel with dropout). Why the \
learned tokens trail: a bag of the bare tokens already shows it (TF-IDF logistic regression: \
6-mers 0.912, BPE-1024 0.780, \`nrc_bag.md\`): one nucleotide change re-segments a BPE read, so \
the same motif becomes different tokens in different reads, while every overlapping 6-mer \
means the same thing everywhere; the k-mer channel gives that view back, which is why it moves \
most. The kmer-logreg:6 row of this run has no per-read predictions (run before they were kept)."

STRUCTURE_INTRO="$SETUP Folding: ViennaRNA MFE folds of the 8,348 distinct nrc reads, once, into \
the fold cache (\`nrc.py --prefold\`): 60 s wall on the 16-core GPU machine, 385 s wall with 2 \
worker processes on the shared CPU machine; every structure cell reads them from the cache, so \
its CPU s exclude folding."
STRUCTURE_NOTES="**Verdicts, one sentence each.** (1) **Structure as tokens loses on nrc:** every \
structure-aware tokenizer (struct-bpe, struct-unigram, each with element and hairpin units, \
struct-alphabet, hairpin-vocab; vocabulary 256 and 1024) scores 0.65-0.72, 6.4-12.4 points under \
the plain BPE or unigram tokenizer of the same size, significant over the test reads for all 12 \
(McNemar, Holm p < 1e-12) and over seeds for none after Holm (2-3 seeds; hairpin-vocab-1024 \
comes closest, Holm p = 0.05). (2) **A structure attention bias does nothing measurable:** \
\`--structure-bias pairs\` on BPE-1024 tokens 0.786 against 0.789 without it (-0.3, McNemar \
p = 0.48) and 0.792 with the structures shuffled between reads of the same length (-0.6, n.s.). \
(3) **A loop-type channel helps, and the shuffled control says it is the structure:** \
\`--structure-channel\` on BPE-1024 tokens 0.820 ± 0.003 against 0.789 without it (+3.1 points, \
every seed above its pair; McNemar Holm p = 8e-12, over seeds uncorrected p = 0.041, Holm 0.41) \
and against 0.780 with shuffled structures (+4.0, McNemar Holm p < 1e-12): the gain comes from \
the read's own fold, not from an extra input, and shuffled structures cost 0.9 points. On \
6-mers the channel gave 0.909 against 0.898 for seed 0 only (+1.0, n.s.). (4) Length alone \
(the length-only logistic regression) scores 0.416: the families differ in length, but every \
neural row is 24-48 points above it. **Why the structure tokenizers lose:** their tokens are cut \
at element boundaries of one predicted fold, so the same sequence motif becomes different \
tokens in reads that fold differently, the problem of learned tokens (nrc_learned.md) made \
worse; the channel instead keeps the sequence tokens and adds the fold beside them. **Not run** \
(device budget spent; a 6-mer cell costs 1,200-1,800 CPU-s on the CPU machine, more with the \
bias): seed 2 of ten structure-tokenizer rows (their seeds 0-1 are in the table), the bias and \
the channel with 6-mers over 3 seeds (the 6-mer bias cells did not finish inside the 200 s left \
on the device), \`--structure-bias bpp\` (the pair-probability folds of all reads, ~0.05 s a \
150-nt read, were not computed), and the channel's shuffled control on 6-mers."
