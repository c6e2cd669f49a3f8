#!/usr/bin/env python3
"""Golden-bytes capture: runs `nft -f FILE` under strace in a throwaway netns and prints every
nf_tables message of the batch as `TYPE FLAGS SEQ HEX`, one per line.
Usage: python3 nlcap.py FILE [--list]"""
import subprocess, sys, re, os, struct
def capture(nftfile):
    ns = f"nlt-cap-{os.getpid()}"
    subprocess.run(["ip","netns","add",ns],check=True)
    try:
        out = subprocess.run(["ip","netns","exec",ns,"strace","-f","-e","trace=sendmsg","-e","write=3","nft","-f",nftfile],capture_output=True,text=True)
        ls = subprocess.run(["ip","netns","exec",ns,"nft","list","ruleset"],capture_output=True,text=True).stdout
    finally:
        subprocess.run(["ip","netns","del",ns])
    data=b""; blobs=[]
    for line in out.stderr.splitlines():
        m=re.match(r'\s*\| [0-9a-f]{5}  (.{49})', line)
        if m: data+=bytes.fromhex(m.group(1).replace(" ",""))
        elif line.startswith(" * "):
            if data: blobs.append(data); data=b""
    if data: blobs.append(data)
    return blobs, ls, out.stderr
def split(b):
    msgs=[]; o=0
    while o+16<=len(b):
        ln,ty,fl,seq,pid=struct.unpack_from("<IHHII",b,o)
        if ln<16: break
        msgs.append((ty,fl,seq,b[o:o+ln])); o+=(ln+3)&~3
    return msgs
if __name__=="__main__":
    blobs, ls, err = capture(sys.argv[1])
    for b in blobs:
        for ty,fl,seq,m in split(b):
            print(f"{ty:#06x} {fl:#06x} {seq} {m.hex()}")
    if "--list" in sys.argv: print(ls)
