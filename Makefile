# Convenience wrappers; the README's quick start uses dev.py directly (it needs only Python).
.PHONY: start test demo kb-check eval bench
start:
	python3 dev.py start
test:
	python3 dev.py test
kb-check:
	.venv/bin/lotse kb check
eval:
	.venv/bin/lotse eval tests/eval/final.jsonl
bench:
	.venv/bin/python bench/matcher_latency.py
