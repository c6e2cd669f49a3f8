import struct,sys
def attrs(b,o,end,ind):
    while o+4<=end:
        l,t=struct.unpack_from("<HH",b,o)
        if l<4: break
        v=b[o+4:o+l]
        if t&0x8000:
            print(" "*ind+f"[{t&0x3fff}] nest"); attrs(b,o+4,o+l,ind+2)
        else:
            print(" "*ind+f"[{t&0x3fff}] {v.hex()} {v.rstrip(bytes(1)).decode('latin1') if v[:1].isalpha() else ''}")
        o+=(l+3)&~3
for line in open(sys.argv[1]):
    ty,fl,seq,hx=line.split()
    if len(sys.argv)>2 and seq not in sys.argv[2].split(","): continue
    m=bytes.fromhex(hx); print(ty,fl,seq, m[16:20].hex()); attrs(m,20,len(m),2)
