# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""SSH key pairs for new servers."""

import os
import threading

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization

RSA = 'rsa'
ED25519 = 'ed25519'
#: The types of key pairs, ``[worker] key_type``.
KEY_TYPES = (RSA, ED25519)
KEY_SIZE = 2048
# Generating an RSA key takes some 65 ms of one CPU and lets the other
# threads run meanwhile: no more of them at once than there are CPUs.
# More would not be faster, and would take the CPU away from the
# threads that hold a database lock.
_GENERATING = threading.BoundedSemaphore(os.cpu_count() or 1)


def generate_keypair(key_type: str = ED25519,
                     key_size: int = KEY_SIZE) -> tuple[str, str]:
    """A new key pair: the private key and the OpenSSH public key.

    An RSA private key is in the traditional ``BEGIN RSA PRIVATE KEY``
    form that the original service handed out and every ssh client
    reads; an Ed25519 one in OpenSSH's own form (``BEGIN OPENSSH PRIVATE
    KEY``), the only one OpenSSH reads it in.

    :param key_size: the bits of an RSA key.
    """
    if key_type == ED25519:
        key = ed25519.Ed25519PrivateKey.generate()
        private_format = serialization.PrivateFormat.OpenSSH
    elif key_type == RSA:
        with _GENERATING:
            key = rsa.generate_private_key(public_exponent=65537,
                                           key_size=key_size)
        private_format = serialization.PrivateFormat.TraditionalOpenSSL
    else:
        raise ValueError('unknown key type %r' % key_type)
    private_key = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=private_format,
        encryption_algorithm=serialization.NoEncryption()).decode('ascii')
    public_key = key.public_key().public_bytes(
        encoding=serialization.Encoding.OpenSSH,
        format=serialization.PublicFormat.OpenSSH).decode('ascii')
    return private_key, public_key
