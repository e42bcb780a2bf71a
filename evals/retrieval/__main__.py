import sys

from evals.retrieval.run import main

sys.exit(main())
