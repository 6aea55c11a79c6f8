"""`python -m service` behaves like `docket`."""
from service.cli import main

main()
