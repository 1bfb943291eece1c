from cleankit.cli import main

main()
