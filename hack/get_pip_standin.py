# Offline stand-in for the get-pip bootstrap script that ansible-test downloads.
#
# ansible-test creates its sanity/units virtual environments without pip and bootstraps pip by
# running a "get-pip" script it downloads from a host this project's machines cannot reach.
# It first looks for the script in its cache (~/.ansible/test/cache/get_pip_<version>.py);
# hack/lib.sh copies this file there. ansible-test runs it as
#
#   <venv python> get_pip_X.py --disable-pip-version-check pip==X [--no-setuptools] [--no-wheel]
#
# which we honour with the interpreter's own ensurepip, then a normal pip install of the
# requested packages from the package index.
# CONVOX_COLLECTION_GET_PIP_STANDIN (marker: hack/lib.sh only replaces files carrying it)
import subprocess
import sys


def main():
    args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args)


if __name__ == '__main__':
    main()
